;; host -> wasm -> host -> wasm ...: down(n) = host.down(n - 1) + 1, down(0) = 0;
;; the host function calls this instance's down again.
(module
  (import "host" "down" (func $host_down (param i32) (result i32)))
  (func (export "down") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (call $host_down (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))
)
