def selected_leads(model):
    """Default for a wizard's leads: the leads selected where the action was opened."""
    context = model.env.context
    if context.get("active_model") != "crm.lead":
        return []
    return [(6, 0, context.get("active_ids", []))]
