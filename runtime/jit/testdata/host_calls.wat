;; Host functions between wasm frames: "host" "trap" raises a trap from C++,
;; "host" "reenter" calls back into this instance's inner_boom.
(module
  (import "host" "trap" (func $host_trap (param i32)))
  (import "host" "reenter" (func $host_reenter (param i32) (result i32)))
  (func $calls_host_trap (export "calls_host_trap") (param i32)
    (call $host_trap (local.get 0)))
  (func $inner_boom (export "inner_boom") (param i32) (result i32) (unreachable))
  (func $calls_reenter (export "calls_reenter") (param i32) (result i32)
    (call $host_reenter (local.get 0)))
)
