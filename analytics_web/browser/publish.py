__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# A feature file's last step (features.py): its exports handed to the <script> element that
# loaded it, where the bundle that asked for it reads them. A module of its own, so that each
# feature file carries this and nothing of the fetching.


def publish(feature):
    """A feature file's last step: its exports, for the bundle that asked for it."""
    script = document.currentScript
    if script:
        script.analyticsWebFeature = feature
    return feature
