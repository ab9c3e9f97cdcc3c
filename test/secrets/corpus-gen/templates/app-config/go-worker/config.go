package main

const (
	dbDSN       = "postgres://worker:{{S:password}}@worker-db.acme-internal.net:5432/jobs?sslmode=require"
	amqpURL     = "amqp://worker:{{S:password}}@mq.acme-internal.net:5672/"
	hmacSecret  = "{{S:hex-64:high-entropy}}"
	queueName   = "jobs.default"
)

var apiToken = "{{S:alnum-32}}"
