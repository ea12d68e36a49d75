;; MDN: global.wat — reads and increments an imported mutable global.
(module
  (global $g (import "js" "global") (mut i32))
  (func (export "getGlobal") (result i32)
    (global.get $g))
  (func (export "incGlobal")
    (global.set $g (i32.add (global.get $g) (i32.const 1)))))
