;; Imported by app.wat as "lib": a table holding lib_entry, which traps.
(module
  (table (export "table") 2 funcref)
  (func $boom (export "boom") (param i32) (result i32) (unreachable))
  (func $lib_entry (param i32) (result i32) (call $boom (local.get 0)))
  (elem (i32.const 0) $lib_entry)
)
