;; MDN: table.wat — an exported table of two functions.
(module
  (func $thirteen (result i32) (i32.const 13))
  (func $fourtytwo (result i32) (i32.const 42))
  (table (export "tbl") funcref (elem $thirteen $fourtytwo)))
