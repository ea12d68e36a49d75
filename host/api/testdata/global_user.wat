;; Imports another instance's mutable global (shared cell across workers).
(module
  (import "lib" "counter" (global $c (mut i32)))
  (func (export "bump") (result i32)
    (global.set $c (i32.add (global.get $c) (i32.const 1)))
    (global.get $c))
)
