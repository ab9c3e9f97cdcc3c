package main

const (
	dbDSN       = "postgres://worker:DKBr!Si9TMsDBwSt@worker-db.acme-internal.net:5432/jobs?sslmode=require"
	amqpURL     = "amqp://worker:SStFP99r_5KHqAtC@mq.acme-internal.net:5672/"
	hmacSecret  = "16ee73d1c36a4e29cadc42f59fb72ea1167748e99588496998e80c7dc32cb6a6"
	queueName   = "jobs.default"
)

var apiToken = "XuH0fla7fAG0Ne30iT4hkDjSkBXnbQo5"
