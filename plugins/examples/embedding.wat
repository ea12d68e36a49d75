;; The README's embedding example: logs its argument through the host, returns it doubled.
(module
  (import "env" "log" (func $log (param i32)))
  (func (export "run") (param i32) (result i32)
    (call $log (local.get 0))
    (i32.mul (local.get 0) (i32.const 2))))
