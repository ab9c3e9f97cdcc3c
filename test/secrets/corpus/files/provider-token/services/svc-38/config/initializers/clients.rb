# frozen_string_literal: true

CI_DEPLOY_PASSWORD = 'gldt-VD7dYcE2DZ9Zorpqd3fk'
TRIGGER_TOKEN = 'glptt-195f7352eaa36d4136b5edbd4f7de4d239a9b5e3'
RUNNER_TOKEN = 'glrt-TOZa8micII0eqBMPYDmN'
