package jinja

// expr is an expression node; stmt is a template statement node. Both are
// evaluated by type switch in eval.go.
type expr interface{ exprPos() Pos }
type stmt interface{ stmtPos() Pos }

type (
	constExpr struct {
		P Pos
		V any
	}
	nameExpr struct {
		P    Pos
		Name string
	}
	attrExpr struct {
		P    Pos
		X    expr
		Name string
	}
	itemExpr struct {
		P   Pos
		X   expr
		Key expr
	}
	sliceExpr struct {
		P            Pos
		X            expr
		Lo, Hi, Step expr // nil when absent
	}
	listExpr struct {
		P     Pos
		Items []expr
	}
	tupleExpr struct {
		P     Pos
		Items []expr
	}
	dictExpr struct {
		P          Pos
		Keys, Vals []expr
	}
	unaryExpr struct {
		P  Pos
		Op string // "-", "+", "not"
		X  expr
	}
	binExpr struct {
		P    Pos
		Op   string
		L, R expr
	}
	compareExpr struct {
		P     Pos
		First expr
		Ops   []string
		Rest  []expr
	}
	condExpr struct {
		P                Pos
		Test, Then, Else expr // Else nil: undefined when false
	}
	callArgs struct {
		Args     []expr
		KwNames  []string
		KwVals   []expr
		Star     expr
		StarStar expr
	}
	filterExpr struct {
		P    Pos
		X    expr // nil inside a {% filter %} block
		Name string
		callArgs
	}
	testExpr struct {
		P    Pos
		X    expr
		Name string
		Neg  bool
		callArgs
	}
	callExpr struct {
		P  Pos
		Fn expr
		callArgs
	}
)

func (e *constExpr) exprPos() Pos   { return e.P }
func (e *nameExpr) exprPos() Pos    { return e.P }
func (e *attrExpr) exprPos() Pos    { return e.P }
func (e *itemExpr) exprPos() Pos    { return e.P }
func (e *sliceExpr) exprPos() Pos   { return e.P }
func (e *listExpr) exprPos() Pos    { return e.P }
func (e *tupleExpr) exprPos() Pos   { return e.P }
func (e *dictExpr) exprPos() Pos    { return e.P }
func (e *unaryExpr) exprPos() Pos   { return e.P }
func (e *binExpr) exprPos() Pos     { return e.P }
func (e *compareExpr) exprPos() Pos { return e.P }
func (e *condExpr) exprPos() Pos    { return e.P }
func (e *filterExpr) exprPos() Pos  { return e.P }
func (e *testExpr) exprPos() Pos    { return e.P }
func (e *callExpr) exprPos() Pos    { return e.P }

type (
	dataStmt struct {
		P    Pos
		Text string
	}
	outputStmt struct {
		P Pos
		X expr
	}
	ifStmt struct {
		P          Pos
		Cond       expr
		Body, Else []stmt
	}
	forStmt struct {
		P          Pos
		Target     expr // nameExpr or tupleExpr of names
		Iter       expr
		Filter     expr
		Recursive  bool
		Body, Else []stmt
	}
	setStmt struct {
		P      Pos
		Target expr // nameExpr, tupleExpr or attrExpr on a namespace
		Value  expr
	}
	setBlockStmt struct {
		P      Pos
		Target expr
		Filter []*filterExpr
		Body   []stmt
	}
	macroStmt struct {
		P        Pos
		Name     string
		Args     []string
		Defaults []expr // aligned to the last len(Defaults) args
		Body     []stmt
	}
	callBlockStmt struct {
		P        Pos
		Call     *callExpr
		Args     []string
		Defaults []expr
		Body     []stmt
	}
	filterBlockStmt struct {
		P      Pos
		Filter []*filterExpr
		Body   []stmt
	}
	includeStmt struct {
		P             Pos
		Template      expr
		IgnoreMissing bool
		WithContext   bool
	}
	importStmt struct {
		P           Pos
		Template    expr
		Target      string
		WithContext bool
	}
	fromImportStmt struct {
		P           Pos
		Template    expr
		Names       []string
		Aliases     []string
		WithContext bool
	}
	withStmt struct {
		P       Pos
		Targets []expr
		Values  []expr
		Body    []stmt
	}
	breakStmt    struct{ P Pos }
	continueStmt struct{ P Pos }
	doStmt       struct {
		P Pos
		X expr
	}
	blockStmt struct {
		P        Pos
		Name     string
		Body     []stmt
		Scoped   bool
		Required bool
	}
	extendsStmt struct {
		P        Pos
		Template expr
	}
)

func (s *dataStmt) stmtPos() Pos        { return s.P }
func (s *outputStmt) stmtPos() Pos      { return s.P }
func (s *ifStmt) stmtPos() Pos          { return s.P }
func (s *forStmt) stmtPos() Pos         { return s.P }
func (s *setStmt) stmtPos() Pos         { return s.P }
func (s *setBlockStmt) stmtPos() Pos    { return s.P }
func (s *macroStmt) stmtPos() Pos       { return s.P }
func (s *callBlockStmt) stmtPos() Pos   { return s.P }
func (s *filterBlockStmt) stmtPos() Pos { return s.P }
func (s *includeStmt) stmtPos() Pos     { return s.P }
func (s *importStmt) stmtPos() Pos      { return s.P }
func (s *fromImportStmt) stmtPos() Pos  { return s.P }
func (s *withStmt) stmtPos() Pos        { return s.P }
func (s *breakStmt) stmtPos() Pos       { return s.P }
func (s *continueStmt) stmtPos() Pos    { return s.P }
func (s *doStmt) stmtPos() Pos          { return s.P }
func (s *blockStmt) stmtPos() Pos       { return s.P }
func (s *extendsStmt) stmtPos() Pos     { return s.P }
