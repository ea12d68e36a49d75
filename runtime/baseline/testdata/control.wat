;; Control flow: labels with values, br_table stubs, loops and ifs with
;; parameters, compares fused into branches and select.
(module
  ;; br_table to four depths, each carrying a value (the outermost is the
  ;; function), with a value live under the branch value
  (func (export "table") (param $i i32) (result i32)
    (local $k i32)
    (local.set $k (i32.const 100))
    (i32.add
      (block $b2 (result i32)
        (i32.add
          (block $b1 (result i32)
            (i32.add
              (block $b0 (result i32)
                (local.get $k)
                (i32.add (local.get $i) (i32.const 7))
                (br_table $b0 $b1 $b2 3 $b1 (local.get $i)))
              (i32.const 1000)))
          (i32.const 10000)))
      (i32.const 100000)))
  ;; loop with two parameters (the fac-ssa shape)
  (func (export "fac") (param $n i64) (result i64)
    (i64.const 1) (local.get $n)
    (loop $l (param i64 i64) (result i64)
      (local.set $n)
      (i64.mul (local.get $n))
      (local.tee $n (i64.sub (local.get $n) (i64.const 1)))
      (br_if $l (i64.gt_s (local.get $n) (i64.const 1)))
      (drop)))
  ;; if with parameters and constants as them
  (func (export "if_params") (param $c i32) (result i32)
    (i32.const 40) (i32.const 2)
    (if (param i32 i32) (result i32) (local.get $c)
      (then (i32.add))
      (else (i32.sub))))
  ;; compares fused into br_if / if / select, unsigned and signed, i64 and i32
  (func (export "clamp") (param $x i64) (param $lo i64) (param $hi i64) (result i64)
    (select (local.get $lo) (local.get $x) (i64.lt_s (local.get $x) (local.get $lo)))
    (local.set $x)
    (if (result i64) (i64.gt_s (local.get $x) (local.get $hi))
      (then (local.get $hi))
      (else (local.get $x))))
  (func (export "count_below") (param $n i32) (param $limit i32) (result i32)
    (local $i i32) (local $c i32)
    (block $out
      (loop $l
        (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $c (i32.add (local.get $c)
          (select (i32.const 1) (i32.const 0) (i32.lt_u (local.get $i) (local.get $limit)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $c))
  ;; a branch out of a block from deep inside an expression
  (func (export "early") (param $x i32) (result i32)
    (block $b (result i32)
      (i32.add (i32.const 1)
        (i32.mul (local.get $x)
          (br_if $b (i32.const -1) (i32.eq (local.get $x) (i32.const 0)))))))
  (memory 1)
  ;; loads and stores at constant and computed addresses, offsets, a trap
  ;; beyond the end (and beyond 2^31 of offset)
  (func (export "mem") (param $p i32) (result i64)
    (i64.store offset=8 (local.get $p) (i64.const 0x1122334455667788))
    (i32.store8 (i32.const 3) (i32.const 0x1ff))
    (i64.add (i64.load offset=8 (local.get $p))
             (i64.load8_u (i32.const 3))))
  (func (export "far") (param $p i32) (result i32)
    (i32.load offset=0x80000000 (local.get $p)))
)
