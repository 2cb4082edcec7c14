from . import crm_lead_transfer
from . import crm_client_transfer
