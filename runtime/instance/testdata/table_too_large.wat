;; Valid (tables may have up to 2^32 - 1 elements) but past kMaxTableSize.
(module (table 10000001 funcref))
