;; Calls: stack arguments, multi-value results, imports, call_indirect,
;; between baseline functions and with values live across the call.
(module
  (type $t3 (func (param i64 i64) (result i64 i64 i64)))
  (table 2 funcref)
  (elem (i32.const 0) $many $rot)
  ;; 8 integer and 10 float parameters: some arrive on the stack
  (func $many (param i64 i32 i64 i32 i64 i32 i64 i32
                     f64 f32 f64 f32 f64 f32 f64 f32 f64 f32) (result i64)
    (i64.add (local.get 0) (i64.extend_i32_u (local.get 1)))
    (i64.add (local.get 2))
    (i64.add (i64.extend_i32_s (local.get 3)))
    (i64.add (local.get 4))
    (i64.add (i64.extend_i32_u (local.get 5)))
    (i64.mul (local.get 6))
    (i64.add (i64.extend_i32_s (local.get 7)))
    (i64.add (i64.trunc_f64_s (local.get 8)))
    (i64.add (i64.trunc_f32_s (local.get 9)))
    (i64.add (i64.trunc_f64_s (local.get 10)))
    (i64.add (i64.trunc_f32_s (local.get 11)))
    (i64.add (i64.trunc_f64_s (local.get 12)))
    (i64.add (i64.trunc_f32_s (local.get 13)))
    (i64.add (i64.trunc_f64_s (local.get 14)))
    (i64.add (i64.trunc_f32_s (local.get 15)))
    (i64.add (i64.trunc_f64_s (local.get 16)))
    (i64.add (i64.trunc_f32_s (local.get 17))))
  (func (export "call_many") (param $x i64) (result i64)
    (local.get $x)  ;; live across the call
    (call $many (local.get $x) (i32.const -1) (i64.const 3) (i32.const -4)
                (i64.const 5) (i32.const 6) (local.get $x) (i32.const -8)
                (f64.const 9.5) (f32.const 10.5) (f64.const -11) (f32.const 12)
                (f64.const 13) (f32.const 14) (f64.const 15) (f32.const 16)
                (f64.const 17) (f32.const -18))
    (i64.sub))
  (func (export "call_many_indirect") (param $x i64) (result i64)
    (call_indirect (param i64 i32 i64 i32 i64 i32 i64 i32
                          f64 f32 f64 f32 f64 f32 f64 f32 f64 f32) (result i64)
                (local.get $x) (i32.const -1) (i64.const 3) (i32.const -4)
                (i64.const 5) (i32.const 6) (local.get $x) (i32.const -8)
                (f64.const 9.5) (f32.const 10.5) (f64.const -11) (f32.const 12)
                (f64.const 13) (f32.const 14) (f64.const 15) (f32.const 16)
                (f64.const 17) (f32.const -18) (i32.const 0)))
  ;; three results
  (func $rot (type $t3) (local.get 1) (local.get 0) (i64.add (local.get 0) (local.get 1)))
  ;; fibonacci by a loop over $rot's results: the loop carries two values
  (func (export "fib") (param $n i32) (result i64)
    (local $a i64) (local $b i64)
    (local.set $b (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (call $rot (local.get $a) (local.get $b))  ;; b, a, a + b
        (local.set $b)
        (drop)
        (local.set $a)
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $a))
  ;; call_indirect with a type mismatch or an index out of range traps
  (func (export "indirect_rot") (param $i i32) (result i64)
    (call_indirect (type $t3) (i64.const 2) (i64.const 40) (local.get $i))
    (i64.add) (i64.add))
  ;; recursion until the stack is exhausted
  (func $deep (export "deep") (param i64) (result i64)
    (i64.add (call $deep (i64.add (local.get 0) (i64.const 1))) (i64.const 1)))
)
