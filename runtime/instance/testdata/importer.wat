;; Imports exporter.wat's objects as "M", writes into the imported table and
;; memory, derives a global from an imported one and re-exports the imports.
(module
  (import "M" "f" (func $f (param i32) (result i32)))
  (import "M" "mem" (memory 1))
  (import "M" "tab" (table 10 funcref))
  (import "M" "const_i32" (global $c i32))
  (import "M" "mut_i32" (global $m (mut i32)))
  (global (export "derived") i32 (global.get $c))
  (global (export "ref_import") funcref (ref.func $f))
  (func $h (export "h"))
  (elem (i32.const 5) $h $f)
  (data (i32.const 10) "xyz")
  (export "f_again" (func $f))
  (export "mem_again" (memory 0))
  (export "tab_again" (table 0))
  (export "m_again" (global $m))
)
