package store

// WriteSentSQL is the PostgreSQL statement whose plan the tests check.
var WriteSentSQL = qWriteSent
