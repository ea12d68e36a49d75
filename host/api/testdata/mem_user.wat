;; Imports a memory; reads, writes and grows it (two instances in two
;; workers share one host Memory).
(module
  (import "env" "mem" (memory 1 8))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
)
