;; The largest table this runtime allocates (kMaxTableSize).
(module (table (export "t") 10000000 funcref))
