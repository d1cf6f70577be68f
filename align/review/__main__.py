from align.review.server import main

main()
