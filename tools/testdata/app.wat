;; Links against a preloaded module (plugin-run --preload math=math.wasm):
;; calls its add and shares its memory, across two worker processes.
(module
  (import "math" "add" (func $add (param i32 i32) (result i32)))
  (import "math" "memory" (memory 1))
  (func (export "main") (param i32 i32) (result i32)
    (i32.store (i32.const 16) (call $add (local.get 0) (local.get 1)))
    (i32.load (i32.const 16)))
)
