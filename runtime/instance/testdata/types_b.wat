(module
  (type (func))
  (type (func (param i32) (result i32)))
  (type (func (param i64) (result i32)))
  (type (func (result i32)))
)
