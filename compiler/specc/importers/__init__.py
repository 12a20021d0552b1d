"""Reading OpenAPI documents and JSON Schemas into specs (`specc import`)."""
