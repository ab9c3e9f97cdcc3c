ls -la
cd services/orders
mysql -u root -pQQDHcMRYfFQ_8FW~ orders
export GITHUB_TOKEN=ghp_KcIr5hg1g6JJlxaGvTTDqtyMm323kjze5CKx
git push origin main
redis-cli -h cache.acme-internal.net -a Xux7M~lR1xy8TA2r info
