-- One database (and owner) per service: services never share tables. The owners' passwords come
-- from the postgres container's environment (docker-compose.yml requires each); none is written here.
\getenv registry_password REGISTRY_DB_PASSWORD
\getenv evaluation_password EVALUATION_DB_PASSWORD
\getenv servicedesk_password SERVICEDESK_DB_PASSWORD
\getenv gateway_password GATEWAY_DB_PASSWORD
\getenv supervision_password SUPERVISION_DB_PASSWORD
\getenv keycloak_password KEYCLOAK_DB_PASSWORD
CREATE USER registry WITH PASSWORD :'registry_password';
CREATE DATABASE registry OWNER registry;
CREATE USER evaluation WITH PASSWORD :'evaluation_password';
CREATE DATABASE evaluation OWNER evaluation;
CREATE USER servicedesk WITH PASSWORD :'servicedesk_password';
CREATE DATABASE servicedesk OWNER servicedesk;
CREATE USER gateway WITH PASSWORD :'gateway_password';
CREATE DATABASE gateway OWNER gateway;
CREATE USER supervision WITH PASSWORD :'supervision_password';
CREATE DATABASE supervision OWNER supervision;
-- Keycloak keeps its realms, users and sessions in a database of its own.
CREATE USER keycloak WITH PASSWORD :'keycloak_password';
CREATE DATABASE keycloak OWNER keycloak;
