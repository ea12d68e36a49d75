"""wat_modules: .wat files -> a C++ header of wasm byte arrays, as a cc_library.

    load("//tools:wat_modules.bzl", "wat_modules")

    wat_modules(
        name = "test_modules",             # -> test_modules.h, cc_library :test_modules
        srcs = glob(["testdata/*.wat"]),
        namespace = "wasm::host::testing_modules",
    )

and in C++: #include "<package>/test_modules.h", then
NAMESPACE::WatModules().at("calc") is calc.wat's bytes (wat2wasm --debug-names,
by tools/wat_to_header.sh).
"""

def wat_modules(name, srcs, namespace, testonly = True, visibility = None):
    native.genrule(
        name = name + "_h",
        srcs = srcs,
        outs = [name + ".h"],
        cmd = "$(location //tools:wat_to_header.sh) $@ " + namespace + " $(SRCS)",
        tools = ["//tools:wat_to_header.sh"],
        testonly = testonly,
    )
    native.cc_library(
        name = name,
        hdrs = [name + ".h"],
        testonly = testonly,
        visibility = visibility,
    )
