;; Tiered compilation (tier_up_test): calls between defined functions, through
;; a table and from a loop, whose targets change tier while it runs.
(module
  (type $ii (func (param i32) (result i32)))
  (table (export "table") 2 funcref)
  (elem (i32.const 0) $fib $square)
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func $square (param $x i32) (result i32) (i32.mul (local.get $x) (local.get $x)))
  ;; sum over i < n of table[i & 1](i): fib(i) for even i, i * i for odd i
  (func (export "mixed") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s)
          (call_indirect (type $ii) (i32.and (local.get $i) (i32.const 15))
                                    (i32.and (local.get $i) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $s))
)
