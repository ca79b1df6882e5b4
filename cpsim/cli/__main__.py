from cpsim.cli import main

main()
