(module
  (type (func (param i32) (result i32)))
  (type (func))
)
