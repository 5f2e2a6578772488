package jinja

import (
	"context"
	"fmt"
	"testing"

	"gplay/pyval"
)

// etcdService is an etcd.service unit as the Kubernetes roles render it:
// every member of the etcd group, taken from hostvars.
const etcdService = `[Unit]
Description=etcd key-value store
Documentation=https://github.com/etcd-io/etcd
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
User=etcd
ExecStart=/usr/local/bin/etcd \
  --name {{ hostvars[inventory_hostname].etcd_member_name | default(inventory_hostname) }} \
  --data-dir {{ etcd_data_dir }} \
  --listen-peer-urls https://{{ ansible_default_ipv4.address }}:2380 \
  --listen-client-urls https://{{ ansible_default_ipv4.address }}:2379,https://127.0.0.1:2379 \
  --advertise-client-urls https://{{ ansible_default_ipv4.address }}:2379 \
  --initial-advertise-peer-urls https://{{ ansible_default_ipv4.address }}:2380 \
  --initial-cluster {% for host in groups['etcd'] %}{{ hostvars[host].etcd_member_name | default(host) }}=https://{{ hostvars[host]['ansible_default_ipv4']['address'] }}:2380{% if not loop.last %},{% endif %}{% endfor %} \
  --initial-cluster-token {{ etcd_cluster_token | default('etcd-cluster') }} \
  --initial-cluster-state {{ 'existing' if etcd_cluster_exists | default(false) | bool else 'new' }} \
{% for flag, value in etcd_extra_flags | dictsort %}
  --{{ flag }}={{ value }} \
{% endfor %}
  --cert-file=/etc/etcd/pki/server.crt \
  --key-file=/etc/etcd/pki/server.key
Restart=on-failure
RestartSec=5
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
`

func etcdVars() *pyval.Dict {
	hostvars := pyval.NewDict(3)
	names := pyval.NewList()
	for i := 1; i <= 3; i++ {
		h := fmt.Sprintf("master%d", i)
		names.Append(h)
		hostvars.Set(h, pyval.DictOf(
			"etcd_member_name", fmt.Sprintf("etcd%d", i),
			"ansible_default_ipv4", pyval.DictOf("address", fmt.Sprintf("10.0.0.%d", 10+i), "interface", "eth0"),
		))
	}
	return pyval.DictOf(
		"inventory_hostname", "master1",
		"groups", pyval.DictOf("etcd", names, "all", names),
		"hostvars", hostvars,
		"ansible_default_ipv4", pyval.DictOf("address", "10.0.0.11"),
		"etcd_data_dir", "/var/lib/etcd",
		"etcd_extra_flags", pyval.DictOf("heartbeat-interval", int64(250), "election-timeout", int64(2500)),
	)
}

func TestEtcdServiceTemplate(t *testing.T) {
	env := NewEnv(Options{})
	ctx := context.Background()
	out, err := env.Render(ctx, etcdService, env.LazyVars(ctx, etcdVars()), FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := "  --initial-cluster etcd1=https://10.0.0.11:2380,etcd2=https://10.0.0.12:2380,etcd3=https://10.0.0.13:2380 \\\n"
	if !contains2str(out, want) {
		t.Fatalf("Render(etcd.service) lacks the member list:\n%s", out)
	}
	if !contains2str(out, "  --election-timeout=2500 \\\n  --heartbeat-interval=250 \\\n") {
		t.Fatalf("Render(etcd.service) lacks the sorted extra flags:\n%s", out)
	}
}

func contains2str(s, sub string) bool {
	ok, _ := contains2(s, sub)
	return ok
}

func BenchmarkEtcdService(b *testing.B) {
	env := NewEnv(Options{})
	ctx := context.Background()
	vars := etcdVars()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := env.Render(ctx, etcdService, env.LazyVars(ctx, vars), FileOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTemplateSingleExpr(b *testing.B) {
	env := NewEnv(Options{})
	ctx := context.Background()
	vars := env.LazyVars(ctx, etcdVars())
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := env.Template(ctx, "{{ groups['etcd'] | map('extract', hostvars, 'etcd_member_name') | join(',') }}", vars); err != nil {
			b.Fatal(err)
		}
	}
}
