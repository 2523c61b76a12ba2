-- One database (and owner) per service: services never share tables.
CREATE USER registry WITH PASSWORD 'registry-dev-password';
CREATE DATABASE registry OWNER registry;
CREATE USER evaluation WITH PASSWORD 'evaluation-dev-password';
CREATE DATABASE evaluation OWNER evaluation;
CREATE USER servicedesk WITH PASSWORD 'servicedesk-dev-password';
CREATE DATABASE servicedesk OWNER servicedesk;
CREATE USER gateway WITH PASSWORD 'gateway-dev-password';
CREATE DATABASE gateway OWNER gateway;
-- Keycloak keeps its realms, users and sessions in a database of its own.
CREATE USER keycloak WITH PASSWORD 'keycloak-dev-password';
CREATE DATABASE keycloak OWNER keycloak;
