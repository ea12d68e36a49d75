;; Exports one of each kind; other test modules import them as "M".
(module
  (func $f (export "f") (param i32) (result i32) (local.get 0))
  (func $g (export "g"))
  (memory (export "mem") 1 5)
  (table (export "tab") 10 funcref)
  (table (export "ext_tab") 2 externref)
  (global (export "const_i32") i32 (i32.const 42))
  (global (export "mut_i32") (mut i32) (i32.const 7))
  (global (export "mut_ext") (mut externref) (ref.null extern))
  (global (export "ref_f") funcref (ref.func $f))
  (elem (i32.const 1) $f $g)
  (data (i32.const 0) "abc")
)
