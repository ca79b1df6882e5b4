"""Imported first by the sweep and calibration forkserver: from here on it ignores Ctrl-C.

The driver starts the forkserver with SIGINT blocked (cpsim.studies.executors), and the block
is inherited across exec; this import turns the block into an ignore and lifts it, so a
Ctrl-C pending since the start is dropped. Without it, Ctrl-C during the forkserver's
seconds of imports printed its KeyboardInterrupt traceback and left the driver an EOFError.
The forkserver's workers start from its handlers (an ignored SIGINT) and are given the
default by cpsim.studies.workers.end_with, so Ctrl-C still ends them at once.
"""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
