from kesu.cli import main

main()
