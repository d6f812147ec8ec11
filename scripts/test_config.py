"""Writes a copy of config.yml with fewer training epochs, for the test model.

Usage: python scripts/test_config.py config.yml var/config.test.yml [epochs]
"""

import sys

import yaml


def main() -> None:
    source, target = sys.argv[1], sys.argv[2]
    epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    with open(source, encoding="utf-8") as handle:
        config = yaml.safe_load(handle)
    for component in config.get("pipeline", []):
        if "epochs" in component:
            component["epochs"] = min(component["epochs"], epochs)
    with open(target, "w", encoding="utf-8") as handle:
        yaml.safe_dump(config, handle, allow_unicode=True, sort_keys=False)


if __name__ == "__main__":
    main()
