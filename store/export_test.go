package store

// The PostgreSQL statements whose plans the tests check.
var (
	WriteSentSQL    = qWriteSent
	ClaimPendingSQL = claimQueries(&postgresEngine{})[0].sql
)
