;; Round trips for the sandbox benchmark: loop(n) calls the broker's
;; host.ping n times; nop() is the cheapest export to call from the broker.
(module
  (import "host" "ping" (func $ping (param i32) (result i32)))
  (memory (export "mem") 1)
  (func (export "nop"))
  (func (export "loop") (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (call $ping (local.get $acc)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $acc))
)
