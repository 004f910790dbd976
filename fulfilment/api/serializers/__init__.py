"""What the API reads and writes, one module per topic.

Output serializers describe records as the pages show them. Input serializers only
check the shape of a request (types, choices, lengths, which related objects the user
may name); the services do every write and check the rules again.
"""
