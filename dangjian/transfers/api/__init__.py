"""REST API of transfers (/api/v1/transfers/): list and detail both sides see, and the actions
send (POST), receive, reject and cancel, through the services."""
