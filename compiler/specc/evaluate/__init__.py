"""`specc eval`: a model answers each behavioural case, a judge grades it, and the report says per rule."""
