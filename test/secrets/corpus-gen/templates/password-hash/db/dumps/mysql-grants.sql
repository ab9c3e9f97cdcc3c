CREATE USER 'report'@'%' IDENTIFIED WITH mysql_native_password AS '{{S:mysql-native}}';
GRANT SELECT ON analytics.* TO 'report'@'%';
UPDATE mysql.user SET authentication_string='{{S:mysql-native}}' WHERE User='legacy';
