from organizer.cli.main import main

main()
