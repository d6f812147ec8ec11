"""Units (承办单位): the city → district → street tree, seeded from the gazetteer, and routing."""
