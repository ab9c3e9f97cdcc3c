"""billing-worker: reads invoice jobs from YAML (example service for the Gatehouse demo)."""
import yaml


def load_job(text):
    # yaml.safe_load: the unsafe loader is the kind of thing SAST would flag
    return yaml.safe_load(text)
