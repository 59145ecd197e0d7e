"""A booked P2P, as the domain sees it: plain values (`values`), what callers ask for
(`requests`), the status machine (`states`) and how the call is reached in words
(`call_details`). Pure: no Flask, no database, no clock."""
