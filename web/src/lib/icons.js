// The icons the UI uses, registered as <IconName> components.
import {
  ArrowDown,
  Avatar,
  Connection,
  DataAnalysis,
  HomeFilled,
  Location,
  Menu,
  Notebook,
  OfficeBuilding,
  Search,
  Setting,
  Share,
  SwitchButton,
  User,
} from '@element-plus/icons-vue'

export default {
  ArrowDown,
  Avatar,
  Connection,
  DataAnalysis,
  HomeFilled,
  Location,
  Menu,
  Notebook,
  OfficeBuilding,
  Search,
  Setting,
  Share,
  SwitchButton,
  User,
}
