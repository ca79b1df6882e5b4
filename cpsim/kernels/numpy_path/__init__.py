"""The day kernels in numpy: the readable equations, and the path cpsim runs without a C compiler.

One module per part of the compiled module (cpsim/kernels/<part>.pxi), one function per kernel,
with the kernel's name and arguments. Each does the kernel's arithmetic as numpy ufuncs in the
kernel's order of operations, and each random draw through the Generator's own methods, which
call the C functions the kernels call: both paths give the same results to the bit
(tests/kernels compare them; tests/test_stored_run.py runs every scenario on both). The kernels
were written from this code: read here what a kernel computes.

Unlike the kernels these check no dtypes or indices beyond what numpy itself refuses.
"""
