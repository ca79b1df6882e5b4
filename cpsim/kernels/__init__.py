"""The day kernels: compiled (Cython), or the same equations in numpy, to the bit the same.

The compiled module is built when cpsim is installed with a C compiler (``pip install -e .``,
``make install``); without one the install still succeeds and the numpy path runs
(cpsim.kernels.path chooses, once, and says so on stderr). Each part module (draws.py, ...)
gives its kernels' names from the chosen path; cpsim/kernels/numpy_path holds the readable numpy
version of every kernel, the code each compiled kernel was written to reproduce.
"""
