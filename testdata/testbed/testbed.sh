#!/bin/bash
# Real Debian 12 test hosts for gplay: systemd as PID 1, sshd and apt, booted with
# systemd-nspawn on a bridge. Run as root.
#
#   testbed.sh up N     boot hosts h1..hN at $NET.11.. (idempotent; recovers after a crash)
#   testbed.sh down     stop every host, unmount and remove their writable layers
#   testbed.sh inv N    print an INI inventory for them
#   testbed.sh status   list running hosts
#
# The debootstrapped base image is cached under $CACHE keyed by the package list, so only
# the first run takes minutes. Each host gets its own SSH host keys; their public halves are
# collected in $STATE/known_hosts so tests verify host keys as a user would.
set -euo pipefail

STATE=${GPLAY_TESTBED_STATE:-/var/lib/gplay-testbed}
CACHE=${GPLAY_TESTBED_CACHE:-/var/cache/gplay-testbed}
BR=${GPLAY_TESTBED_BRIDGE:-gpbr0}
NET=${GPLAY_TESTBED_NET:-198.18.0}
MIRROR=${GPLAY_TESTBED_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
PKGS=systemd,systemd-sysv,dbus,openssh-server,python3,python3-apt,sudo,iproute2,ca-certificates,gnupg,curl,lsb-release,procps
KEY=$STATE/id_ed25519
KEYHASH=$(printf '%s %s' "$SUITE" "$PKGS" | sha256sum | cut -c1-12)
BASE=$CACHE/base-$KEYHASH

log() { echo "testbed: $*" >&2; }
die() { log "$*"; exit 1; }

need() {
  command -v "$1" >/dev/null && return
  log "installing $2"
  [[ -n ${APT_UPDATED:-} ]] || { apt-get update -qq; APT_UPDATED=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}

base() {
  [[ $(id -u) == 0 ]] || die "must run as root"
  need debootstrap debootstrap; need systemd-nspawn systemd-container; need nft nftables
  need ip iproute2; need ssh openssh-client; need ssh-keygen openssh-client
  mkdir -p "$STATE" "$CACHE"
  [[ -f $KEY ]] || ssh-keygen -q -t ed25519 -N '' -C gplay-testbed -f "$KEY"
  if [[ ! -f $BASE/.done ]]; then
    log "building base image $BASE (first run only; takes a few minutes)"
    rm -rf "$BASE" "$BASE.tmp"
    debootstrap --variant=minbase --include=$PKGS $SUITE "$BASE.tmp" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
      || { tail -20 "$CACHE/debootstrap.log" >&2; die "debootstrap failed (log: $CACHE/debootstrap.log)"; }
    # Host keys are made per host at boot; the image must not share one.
    rm -f "$BASE.tmp"/etc/ssh/ssh_host_*
    mkdir -p "$BASE.tmp/root/.ssh" && chmod 700 "$BASE.tmp/root/.ssh"
    # Debian's apt cleans the cache after installs in containers; keep the image small.
    rm -rf "$BASE.tmp"/var/cache/apt/archives/*.deb
    touch "$BASE.tmp/.done"
    mv "$BASE.tmp" "$BASE"
  fi
}

running() { pgrep -f "systemd-nspawn .*--machine=gplay-$1\$" >/dev/null; }

# Removes what is left of host $1 once its systemd-nspawn is gone: processes still
# running inside its root (a SIGKILLed nspawn leaves its container's init behind),
# the host side of its veth pair, the overlay mount and the writable layer.
scrub() {
  local h=$1 d=$STATE/$1 p
  for p in /proc/[0-9]*; do
    [[ $(readlink "$p/root" 2>/dev/null) == "$d/root" ]] && kill -9 "${p#/proc/}" 2>/dev/null
  done
  ip link del "vb-gplay-$h" 2>/dev/null || true
  if mountpoint -q "$d/root"; then umount "$d/root" 2>/dev/null || umount -l "$d/root"; fi
  rm -rf "$d"
}

# Undo what a crashed run left behind for hosts whose container is gone.
recover() {
  local d h
  for d in "$STATE"/h*; do
    [[ -d $d ]] || continue
    h=${d##*/}
    running "$h" || scrub "$h"
  done
}

network() {
  ip link show "$BR" >/dev/null 2>&1 || ip link add "$BR" type bridge
  ip addr replace "$NET.1/24" dev "$BR"
  ip link set "$BR" up
  sysctl -qw net.ipv4.ip_forward=1
  if ! nft list table ip gplay_testbed >/dev/null 2>&1; then
    nft add table ip gplay_testbed
    nft "add chain ip gplay_testbed post { type nat hook postrouting priority 100 ; }"
    nft add rule ip gplay_testbed post ip saddr "$NET.0/24" oifname != "$BR" masquerade
  fi
}

leader() { # the PID of the host's systemd (the child of systemd-nspawn)
  local p; p=$(pgrep -f "systemd-nspawn .*--machine=gplay-$1\$" | head -1) || return 1
  pgrep -P "$p" | head -1
}

up() {
  local n=${1:-3} i h d l
  [[ $n =~ ^[0-9]+$ && $n -ge 1 && $n -le 50 ]] || die "up: N must be 1..50"
  base; recover; network
  : >"$STATE/known_hosts.new"
  for i in $(seq 1 "$n"); do
    h=h$i d=$STATE/h$i
    if ! running "$h"; then
      mkdir -p "$d/upper" "$d/work" "$d/root"
      mountpoint -q "$d/root" || mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$d/upper,workdir=$d/work" "$d/root"
      echo "$h" >"$d/root/etc/hostname"
      printf '127.0.0.1 localhost\n127.0.1.1 %s\n' "$h" >"$d/root/etc/hosts"
      echo "nameserver $(awk '/^nameserver/{print $2; exit}' /etc/resolv.conf)" >"$d/root/etc/resolv.conf"
      install -m 600 "$KEY.pub" "$d/root/root/.ssh/authorized_keys"
      ls "$d/root"/etc/ssh/ssh_host_*_key >/dev/null 2>&1 || ssh-keygen -q -A -f "$d/root" >/dev/null
      setsid systemd-nspawn -D "$d/root" --boot --register=no --keep-unit --network-bridge="$BR" \
        --machine="gplay-$h" >"$d/console.log" 2>&1 </dev/null &
    fi
  done
  for i in $(seq 1 "$n"); do
    h=h$i l=""
    for _ in $(seq 1 150); do
      l=$(leader "$h") && [[ -n $l ]] && nsenter -t "$l" -n ip link show host0 >/dev/null 2>&1 && break
      sleep 0.2
    done
    [[ -n $l ]] || die "$h did not start (see $STATE/$h/console.log)"
    nsenter -t "$l" -n ip addr replace "$NET.$((10 + i))/24" dev host0
    nsenter -t "$l" -n ip link set host0 up
    nsenter -t "$l" -n ip route replace default via "$NET.1"
  done
  for i in $(seq 1 "$n"); do
    h=h$i
    local ok=""
    for _ in $(seq 1 300); do
      if ssh -q -i "$KEY" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o ConnectTimeout=2 "root@$NET.$((10 + i))" true 2>/dev/null; then ok=1; break; fi
      sleep 0.2
    done
    [[ -n $ok ]] || die "$h: no SSH at $NET.$((10 + i)) (see $STATE/$h/console.log)"
  done
  # Every running host's keys, not only 1..N: another test package may have
  # booted more hosts and still be using them.
  local d
  for d in "$STATE"/h*; do
    [[ -d $d ]] && running "${d##*/}" || continue
    i=${d##*/h}
    for k in "$d/root"/etc/ssh/ssh_host_*_key.pub; do
      echo "$NET.$((10 + i)) $(cut -d' ' -f1,2 "$k")" >>"$STATE/known_hosts.new"
    done
  done
  mv "$STATE/known_hosts.new" "$STATE/known_hosts"
  log "up: $n hosts at $NET.11..$NET.$((10 + n))"
}

down() {
  local p d
  for p in $(pgrep -f 'systemd-nspawn .*--machine=gplay-h' || true); do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 1 50); do pgrep -f 'systemd-nspawn .*--machine=gplay-h' >/dev/null || break; sleep 0.2; done
  for p in $(pgrep -f 'systemd-nspawn .*--machine=gplay-h' || true); do kill -9 "$p" 2>/dev/null || true; done
  for d in "$STATE"/h*; do
    [[ -d $d ]] && scrub "${d##*/}"
  done
  rm -f "$STATE/known_hosts"
  log "down"
}

inv() {
  local n=${1:-3} i
  echo "[masters]"
  for i in $(seq 1 "$n"); do echo "h$i ansible_host=$NET.$((10 + i))"; done
  printf '\n[all:vars]\nansible_user=root\nansible_ssh_private_key_file=%s\n' "$KEY"
  printf "ansible_ssh_common_args='-o UserKnownHostsFile=%s'\n" "$STATE/known_hosts"
}

status() {
  local d
  for d in "$STATE"/h*; do [[ -d $d ]] && { running "${d##*/}" && echo "${d##*/} running" || echo "${d##*/} stale"; }; done
  return 0
}

case ${1:-} in
  up | down | inv | status) "$@" ;;
  *) echo "usage: $0 up N | down | inv N | status" >&2; exit 2 ;;
esac
