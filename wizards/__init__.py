from . import crm_lead_transfer
from . import crm_client_transfer
from . import crm_lead_mass_assign
from . import crm_lead_postpone
from . import crm_lead_distribute
from . import crm_inbound_register
from . import crm_lead_lost
from . import crm_lead_consultation
