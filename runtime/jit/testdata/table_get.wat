;; table.get is a builtin (C++): an index past the table traps in RaiseTrap.
(module
  (table $t 2 funcref)
  (func $get (param i32) (result funcref) (table.get $t (local.get 0)))
  (func $outer (export "outer") (param i32) (result i32)
    (ref.is_null (call $get (local.get 0))))
)
