"""Compiled day kernels (Cython), each giving the numpy code's results to the bit.

They are built when cpsim is installed (``pip install -e .``, ``make install``; a C compiler is
needed). Each replaces a stretch of a day phase whose many small numpy calls cost more than
the work they do in a small city; tests/kernels hold the numpy code each was checked against.
"""
