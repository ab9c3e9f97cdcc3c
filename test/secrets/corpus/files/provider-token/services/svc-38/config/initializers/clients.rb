# frozen_string_literal: true

CI_DEPLOY_PASSWORD = 'gldt-yaKR75vJrMf-S8lXNmsa'
TRIGGER_TOKEN = 'glptt-cad533c22533a46c37bd5c6597cbf779f538f290'
RUNNER_TOKEN = 'glrt-pBCIScIOnzN-3FMwRZku'
