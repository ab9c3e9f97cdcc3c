ls -la
cd services/orders
mysql -u root -p{{S:password}} orders
export GITHUB_TOKEN={{S:github-pat}}
git push origin main
redis-cli -h cache.acme-internal.net -a {{S:password}} info
